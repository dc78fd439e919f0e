// An HTTP client for the adversarial suite that keeps every request it sent and every response body it got,
// so the suite can scan all of them at the end (the leak scan) and tell the caller's own text from data.
import type { TestService } from '../support/service.ts';

export interface Exchange {
  /** Method and path, e.g. "POST /v1/query". */
  readonly label: string;
  readonly status: number;
  readonly contentType: string;
  /** The whole response body as text. */
  readonly text: string;
}

export interface QueryBody {
  readonly sql: string;
  readonly purpose: string;
  readonly mode?: 'aggregate' | 'rows';
  readonly [extra: string]: unknown;
}

export class RecordingClient {
  readonly #t: TestService;
  readonly #sent: string[] = [];
  readonly #exchanges: Exchange[] = [];

  constructor(t: TestService) {
    this.#t = t;
  }

  /** Everything the suite itself put on the wire: paths, query strings and request bodies. */
  get sentTexts(): readonly string[] {
    return this.#sent;
  }

  get exchanges(): readonly Exchange[] {
    return this.#exchanges;
  }

  async send(method: 'GET' | 'POST', path: string, token: string | undefined, body?: string): Promise<Exchange> {
    this.#sent.push(path);
    if (body !== undefined) this.#sent.push(body);
    const res = await this.#t.request(path, {
      method,
      ...(token !== undefined ? { token } : {}),
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body } : {}),
    });
    const exchange: Exchange = {
      label: `${method} ${path}`,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text: await res.text(),
    };
    this.#exchanges.push(exchange);
    return exchange;
  }

  get(path: string, token?: string): Promise<Exchange> {
    return this.send('GET', path, token);
  }

  /** POSTs a JSON body; the SQL also goes into sentTexts on its own, unescaped. */
  post(path: string, body: QueryBody | Record<string, unknown>, token: string): Promise<Exchange> {
    if (typeof body.sql === 'string') this.#sent.push(body.sql);
    return this.send('POST', path, token, JSON.stringify(body));
  }
}

/** A JSON body, parsed; a test failure (not an exception) when it is not JSON. */
export function jsonOf(e: Exchange): Record<string, any> {
  try {
    return JSON.parse(e.text) as Record<string, any>;
  } catch {
    throw new Error(`${e.label} answered ${e.status} with a body that is not JSON: ${e.text.slice(0, 200)}`);
  }
}
