import { z } from 'zod';
import { ErrorCode, Role } from '@jobstream/protocol';
import { AppError, fieldErrors } from '../errors.js';

/** Addresses are kept lowercased, so that `Ann@x.io` and `ann@x.io` are one account. */
const Email = z
  .email()
  .max(254)
  .overwrite((s) => s.toLowerCase());
/** The upper bound keeps scrypt's input, and so a login's cost, bounded. */
const Password = z.string().min(8, 'at least 8 characters').max(1024);
const Name = z.string().trim().min(1, 'required').max(200);

/** `POST /api/v1/auth/register`. Role admin is accepted here and refused later unless an admin asks. */
export const RegisterBody = z.strictObject({
  email: Email,
  password: Password,
  role: Role,
  name: Name,
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `POST /api/v1/auth/login`: no length rule here, so a short password fails as any wrong one does. */
export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
export type LoginBody = z.infer<typeof LoginBody>;

/** A user as the API shows it: never the password hash. */
export const PublicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  created_at: z.string(),
});
export type PublicUser = z.infer<typeof PublicUser>;

export const UserResponse = z.object({ user: PublicUser });
export const LoginResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  user: PublicUser,
});

/** Parses input at the edge; failures become 400 `invalid_message` with the field errors. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error.issues);
  throw new AppError(ErrorCode.invalidMessage, 'invalid request body', { fields });
}
