import { createClient, type JobstreamEvent } from '@jobstream/client';

export interface TailOptions {
  readonly url: string;
  readonly token?: string | undefined;
  /** Resume after this seq of each topic (0: all the history the server keeps). */
  readonly since?: number | undefined;
  readonly types?: readonly string[] | undefined;
  readonly json: boolean;
}

/** ANSI SGR codes (the same in every Node version, whatever its styleText does with a stream). */
const COLOURS = { green: 32, red: 31, yellow: 33, cyan: 36, dim: 2 } as const;
type Colour = keyof typeof COLOURS;
const paint = (colour: Colour, text: string) =>
  `\x1b[${COLOURS[colour]}m${text}\x1b[${colour === 'dim' ? 22 : 39}m`;

/** A type's colour by its last word: what came, what changed, what went or failed. */
function colourOf(type: string): Colour {
  const last = type.slice(type.lastIndexOf('.') + 1);
  if (/^(created|new|completed|started|added)$/.test(last)) return 'green';
  if (/^(failed|deleted|cancelled|error|lost)$/.test(last)) return 'red';
  if (/^(updated|progress|changed|retried|status)$/.test(last)) return 'yellow';
  return 'cyan';
}

function line(event: JobstreamEvent, colour: boolean): string {
  const time = event.ts.slice(11, 19);
  const type = colour ? paint(colourOf(event.type), event.type) : event.type;
  const where = colour ? paint('dim', `${event.topic} #${event.seq}`) : `${event.topic} #${event.seq}`;
  return `${time} ${where} ${type} ${JSON.stringify(event.data)}`;
}

/**
 * `jobstream tail [topics…]`: prints every event of the topics as it arrives, through the SDK, so that
 * it reconnects with backoff and resumes each topic from its last seq across a server restart (no event
 * twice, none missed while the history reaches back). Events go to stdout, one a line (`--json`: the
 * event as JSON); what happens to the connection goes to stderr. Runs until SIGINT or SIGTERM.
 */
export function tail(topics: readonly string[], options: TailOptions): Promise<void> {
  // Colour on a terminal, or when FORCE_COLOR asks for it (a pager that shows it); NO_COLOR wins.
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  const colour = (process.stdout.isTTY || forced) && !process.env.NO_COLOR;
  const note = (text: string) => process.stderr.write(`jobstream tail: ${text}\n`);
  const client = createClient({
    url: options.url,
    ...(options.token !== undefined && { token: options.token }),
    onReset: (topic) => note(`${topic}: the server's history does not reach back that far; carrying on live`),
  });
  client.on('state', ({ newState, reason }) => {
    if (newState === 'open') note(`connected to ${options.url} (${client.transport ?? 'unknown transport'})`);
    else if (newState === 'reconnecting') note(`${reason.message}; reconnecting`);
  });
  client.on('error', (error) => note(`${error.code}: ${error.message}`));
  for (const topic of topics) {
    client.subscribe(
      topic,
      (event) => {
        const text = options.json ? JSON.stringify(event) : line(event, colour);
        process.stdout.write(`${text}\n`);
      },
      {
        ...(options.since !== undefined && { since: options.since }),
        ...(options.types !== undefined && { types: options.types }),
      },
    );
  }
  return new Promise((resolve) => {
    const stop = () => {
      client.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
