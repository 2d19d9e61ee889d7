/**
 * The demo's job boards: postings in Greenhouse's and Lever's public formats and an RSS feed, served
 * by the demo server itself. Each board shows a few postings at first and one more every 8 s for as
 * long as the demo runs, so that scrapes keep finding new ones.
 */
interface DemoPosting {
  readonly id: string;
  readonly company: string;
  readonly title: string;
  readonly location: string;
  readonly description: string;
}

const p = (
  id: string,
  company: string,
  title: string,
  location: string,
  description: string,
): DemoPosting => ({
  id,
  company,
  title,
  location,
  description,
});

export const boards = {
  greenhouse: [
    p(
      '5001',
      'Northwind',
      'Senior Backend Engineer',
      'Remote',
      'Build real-time APIs in TypeScript on Node.js, with PostgreSQL and Redis. 5+ years experience.',
    ),
    p(
      '5002',
      'Northwind',
      'Frontend Engineer',
      'Berlin, Germany',
      'React and TypeScript for our dashboard; CSS and Figma a plus.',
    ),
    p(
      '5003',
      'Northwind',
      'Platform Engineer',
      'Remote',
      'Kubernetes, Terraform and AWS; Go or Python for tooling.',
    ),
    p(
      '5004',
      'Northwind',
      'Staff Software Engineer',
      'London, UK',
      'Lead our event streaming platform: Node.js, Kafka, PostgreSQL, WebSocket fan-out.',
    ),
    p('5005', 'Northwind', 'Data Engineer', 'Remote', 'Python, SQL, Airflow and dbt on Snowflake.'),
    p(
      '5006',
      'Northwind',
      'Full Stack Engineer',
      'Remote',
      'TypeScript end to end: React, Node.js, GraphQL and PostgreSQL.',
    ),
  ],
  lever: [
    p(
      'c0a8e7d2-0001',
      'Globex',
      'Backend Engineer (Node.js)',
      'Remote',
      'Microservices in Node.js and TypeScript, REST and gRPC, Docker.',
    ),
    p(
      'c0a8e7d2-0002',
      'Globex',
      'Site Reliability Engineer',
      'Amsterdam, NL',
      'Linux, Kubernetes, Prometheus-style monitoring, CI/CD.',
    ),
    p(
      'c0a8e7d2-0003',
      'Globex',
      'Machine Learning Engineer',
      'Remote',
      'PyTorch, Python and Spark; ship models to production.',
    ),
    p(
      'c0a8e7d2-0004',
      'Globex',
      'Senior TypeScript Engineer',
      'Remote',
      'Real-time collaboration features with WebSocket, Redis and PostgreSQL.',
    ),
    p(
      'c0a8e7d2-0005',
      'Globex',
      'Engineering Manager',
      'Paris, France',
      'Lead a team building Node.js services; hiring and mentoring.',
    ),
  ],
  rss: [
    p('rss-1', 'Initech', 'JavaScript Developer', 'Remote', 'Node.js and React, REST APIs, Git.'),
    p('rss-2', 'Initech', 'Backend Developer', 'Austin, TX', 'Java and Kotlin services with PostgreSQL.'),
    p('rss-3', 'Initech', 'DevOps Engineer', 'Remote', 'Docker, Kubernetes, AWS and Terraform.'),
    p(
      'rss-4',
      'Initech',
      'Real-time Systems Engineer',
      'Remote',
      'TypeScript, Node.js, Redis streams and WebSocket at scale.',
    ),
  ],
} as const;

export type BoardName = keyof typeof boards;

/** A board shows at most this many postings: the oldest leave it (filled) as new ones come. */
const BOARD_WINDOW = 20;
/** A new posting on every board this often. */
const EVERY_MS = 8000;

const TITLES = [
  'Backend Engineer',
  'Senior Frontend Engineer',
  'Platform Engineer',
  'Data Engineer',
  'Site Reliability Engineer',
  'Full Stack Engineer',
  'Staff Engineer',
  'Mobile Engineer',
] as const;
const LOCATIONS = ['Remote', 'Berlin, Germany', 'London, UK', 'Amsterdam, NL', 'Austin, TX'] as const;
const STACKS = [
  'TypeScript and Node.js services on PostgreSQL and Redis.',
  'React and TypeScript, with a design system in Figma.',
  'Kubernetes, Terraform and AWS; Go for tooling.',
  'Python, SQL and Airflow; dbt on Snowflake.',
  'Real-time features with WebSocket, Kafka and Redis streams.',
  'Rust and Go services, gRPC and Docker.',
  'Linux, CI/CD and Prometheus-style monitoring.',
] as const;

/** The board's `n`th posting (0-based): its catalogue first, then made up, so it never runs dry. */
function postingAt(board: BoardName, n: number): DemoPosting {
  const listed = boards[board][n];
  if (listed) return listed;
  const company = boards[board][0].company;
  const title = TITLES[n % TITLES.length] ?? TITLES[0];
  const stack = STACKS[(n * 3) % STACKS.length] ?? STACKS[0];
  const location = LOCATIONS[(n * 7) % LOCATIONS.length] ?? LOCATIONS[0];
  const id = {
    greenhouse: String(5001 + n),
    lever: `c0a8e7d2-${String(n + 1).padStart(4, '0')}`,
    rss: `rss-${n + 1}`,
  }[board];
  return p(id, company, `${title} #${n + 1}`, location, `${stack} Opening ${n + 1} at ${company}.`);
}

/**
 * The postings a board shows `elapsedMs` after the demo started: 2, then one more every 8 s for as
 * long as it runs; the newest BOARD_WINDOW of them, so that a board (and a scrape of it) stays small.
 */
export function shown(board: BoardName, elapsedMs: number): readonly DemoPosting[] {
  const count = 2 + Math.floor(Math.max(0, elapsedMs) / EVERY_MS);
  const out: DemoPosting[] = [];
  for (let n = Math.max(0, count - BOARD_WINDOW); n < count; n++) out.push(postingAt(board, n));
  return out;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c] ?? ''};`,
  );

/** The board in its public format: the body a scrape of it reads. */
export function render(board: BoardName, base: string, postings: readonly DemoPosting[]): string {
  switch (board) {
    case 'greenhouse':
      return JSON.stringify({
        jobs: postings.map((job) => ({
          id: Number(job.id),
          title: job.title,
          company_name: job.company,
          absolute_url: `${base}/jobs/${job.id}`,
          location: { name: job.location },
          content: escapeXml(`<p>${job.description}</p>`),
        })),
      });
    case 'lever':
      return JSON.stringify(
        postings.map((job) => ({
          id: job.id,
          text: job.title,
          hostedUrl: `${base}/jobs/${job.id}`,
          categories: { location: job.location },
          descriptionPlain: job.description,
          lists: [],
        })),
      );
    case 'rss':
      return `<?xml version="1.0"?><rss version="2.0"><channel><title>Initech jobs</title>${postings
        .map(
          (job) =>
            `<item><title>${escapeXml(job.title)}</title><link>${base}/jobs/${job.id}</link><guid>${job.id}</guid><description>${escapeXml(job.description)}</description></item>`,
        )
        .join('')}</channel></rss>`;
  }
}
