/**
 * The demo's job boards: postings in Greenhouse's and Lever's public formats and an RSS feed, served
 * by the demo server itself. Each board shows a few postings at first and one more every few seconds,
 * so that scrapes keep finding new ones.
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

/** How many postings a board shows `elapsedMs` after the demo started: 2, then one more every 8 s. */
export const shown = (board: BoardName, elapsedMs: number): readonly DemoPosting[] =>
  boards[board].slice(0, Math.min(boards[board].length, 2 + Math.floor(elapsedMs / 8000)));

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
