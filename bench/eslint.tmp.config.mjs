import tseslint from 'typescript-eslint';
export default tseslint.config({
  files: ['bench/**/*.ts'],
  extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
  languageOptions: { parserOptions: { project: ['bench/tsconfig.json'], tsconfigRootDir: process.cwd() } },
});
