import { convert, type HtmlToTextOptions } from 'html-to-text';

/** A posting as a scrape source yields it, before it is upserted by (source, source_id). */
export interface ScrapedPosting {
  readonly source_id: string;
  readonly company: string;
  readonly job_title: string;
  readonly job_description: string;
  readonly job_url: string | null;
  readonly location: string | null;
  readonly skills_required: string[];
}

/** A feed that could not be read or understood: counted as an error of the scrape, never a crash. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

const toText: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    // List items become plain lines: the one-space prefix goes with the line's leading whitespace.
    { selector: 'ul', options: { itemPrefix: ' ' } },
    { selector: 'table', format: 'dataTable' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

/**
 * Plain text from a feed's HTML, by a real HTML parser: entities decoded (`&rsquo;`, `&eacute;`),
 * comments, scripts, styles and attributes dropped, one line per block. Greenhouse escapes its HTML
 * once more (no tag, but `&lt;p&gt;`): that is unescaped first.
 */
export function htmlToText(html: string): string {
  const escaped = !html.includes('<') && /&lt;\/?[a-z!]/i.test(html);
  return convert(escaped ? convert(html, { wordwrap: false }) : html, toText)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** Skills a posting names, from a fixed vocabulary of common ones (case-insensitive, whole words). */
const vocabulary = [
  'TypeScript',
  'JavaScript',
  'Node.js',
  'React',
  'Vue',
  'Angular',
  'Svelte',
  'Python',
  'Django',
  'Flask',
  'FastAPI',
  'Go',
  'Rust',
  'Java',
  'Kotlin',
  'Scala',
  'C#',
  '.NET',
  'C++',
  'Ruby',
  'Rails',
  'PHP',
  'Swift',
  'SQL',
  'PostgreSQL',
  'MySQL',
  'SQLite',
  'MongoDB',
  'Redis',
  'Kafka',
  'RabbitMQ',
  'Elasticsearch',
  'GraphQL',
  'REST',
  'gRPC',
  'Docker',
  'Kubernetes',
  'Terraform',
  'AWS',
  'GCP',
  'Azure',
  'Linux',
  'CI/CD',
  'Git',
  'HTML',
  'CSS',
  'Tailwind',
  'Machine Learning',
  'PyTorch',
  'TensorFlow',
  'Pandas',
  'Spark',
  'Airflow',
  'dbt',
  'Snowflake',
  'Figma',
  'WebSocket',
  'Microservices',
];
const patterns = vocabulary.map((skill) => ({
  skill,
  re: new RegExp(`(^|[^a-z0-9+#.])${skill.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=$|[^a-z0-9+#])`, 'i'),
}));

export function extractSkills(text: string): string[] {
  return patterns.filter(({ re }) => re.test(text)).map(({ skill }) => skill);
}
