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

/** Plain text from HTML (Greenhouse escapes its HTML once more): tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  const once = decodeEntities(html);
  const unescaped = once.includes('<') ? once : decodeEntities(once);
  return decodeEntities(
    unescaped
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<\/(p|div|li|h[1-6]|br)\s*>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return entities[name.toLowerCase()] ?? whole;
  });
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
