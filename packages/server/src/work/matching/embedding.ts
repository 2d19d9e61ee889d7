import { tokenize } from './tokens.js';

/** Number of hash buckets: the length of every embedding vector. */
export const EMBEDDING_DIMENSIONS = 512;

/** A dense vector of length {@link EMBEDDING_DIMENSIONS} (or the dimensions chosen), L2-normalised. */
export type Vector = Float64Array;

/**
 * FNV-1a, 32 bits, over the UTF-16 code units of a string: stable across runs, processes and
 * platforms (unlike any built-in hash), which keeps embeddings deterministic.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A local, deterministic text embedding: hashed TF-IDF. No model, no network.
 *
 * 1. Tokenize: lower-case words (letters and digits; "c++", "c#", "node.js" kept whole), a small
 *    English stop-word list dropped, a light suffix stripper applied (see `tokens.ts`).
 * 2. Inverse document frequency, fitted on the corpus being searched (the snippets of one run):
 *    `idf(t) = ln((1 + N) / (1 + df(t))) + 1`, where N is the number of snippets and df(t) how many
 *    contain t. The smoothing keeps every weight positive, also for words the corpus has never seen.
 * 3. Term weight: sublinear term frequency times idf, `(1 + ln tf(t)) × idf(t)`.
 * 4. Hashing: each word's weight is added to bucket `fnv1a(word) mod dimensions` (512 by default);
 *    words that share a bucket add up, a small and deterministic loss for a fixed vector size.
 * 5. The vector is L2-normalised, so the cosine similarity of two vectors is their dot product:
 *    1 for texts with the same words in the same proportions, 0 for texts with no word (bucket) in
 *    common, never negative. A text without any word is the zero vector, similar to nothing.
 */
export class HashedTfIdf {
  readonly dimensions: number;
  readonly #idf = new Map<string, number>();
  readonly #defaultIdf: number;

  /**
   * @param corpus the texts (snippets) that will be searched; fixes the idf weights.
   * @param dimensions number of hash buckets. @default EMBEDDING_DIMENSIONS (512)
   */
  constructor(corpus: readonly string[], dimensions = EMBEDDING_DIMENSIONS) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be ≥ 1');
    this.dimensions = dimensions;
    const df = new Map<string, number>();
    for (const text of corpus) {
      for (const token of new Set(tokenize(text))) df.set(token, (df.get(token) ?? 0) + 1);
    }
    const n = corpus.length;
    for (const [token, count] of df) this.#idf.set(token, Math.log((1 + n) / (1 + count)) + 1);
    // A word absent from the corpus: as rare as can be (df = 0).
    this.#defaultIdf = Math.log(1 + n) + 1;
  }

  /** The idf weight of one (already tokenized) word. */
  idf(token: string): number {
    return this.#idf.get(token) ?? this.#defaultIdf;
  }

  /** The L2-normalised hashed TF-IDF vector of a text. */
  embed(text: string): Vector {
    const tf = new Map<string, number>();
    for (const token of tokenize(text)) tf.set(token, (tf.get(token) ?? 0) + 1);
    const vector = new Float64Array(this.dimensions);
    for (const [token, count] of tf) {
      vector[fnv1a(token) % this.dimensions]! += (1 + Math.log(count)) * this.idf(token);
    }
    return normalise(vector);
  }
}

/** Scales a vector to unit length in place (the zero vector stays zero). */
function normalise(vector: Vector): Vector {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) return vector;
  const norm = Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * Cosine similarity of two vectors of the same length, clamped to [-1, 1] against rounding; 0 when
 * either is the zero vector. For {@link HashedTfIdf} vectors it lies in [0, 1].
 */
export function cosine(a: Vector, b: Vector): number {
  if (a.length !== b.length) throw new RangeError('vectors differ in length');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
