/**
 * Finds the route of a concrete request path, as API Gateway does: static segments win over
 * parameters whatever the order of the records, and a parameter matches one segment. Used by
 * the local server and by the integration tests' client; the deployed API matches by itself.
 */
import type { HttpMethod, RouteSpec } from './route-record.js';

export interface RouteMatch<R> {
  route: R;
  /** Raw (still percent-encoded) path parameter values, as API Gateway passes them. */
  params: Record<string, string>;
}

interface Compiled<R> {
  route: R;
  segments: string[];
}

const split = (path: string) => path.split('/').slice(1);
const isParam = (segment: string) => /^\{\w+\}$/.test(segment);

/** Static before parameter, segment by segment: `/v1/contacts/block` before `/v1/contacts/{id}`. */
function bySpecificity<R>(a: Compiled<R>, b: Compiled<R>): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i += 1) {
    const pa = isParam(a.segments[i] as string);
    const pb = isParam(b.segments[i] as string);
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

export function routeMatcher<R extends Pick<RouteSpec, 'method' | 'path'>>(routes: readonly R[]) {
  const compiled = routes.map((route) => ({ route, segments: split(route.path) })).sort(bySpecificity);

  /** The route for `method path`; `methodMismatch` when only the path is known. */
  return (method: string, path: string): RouteMatch<R> | { methodMismatch: boolean } => {
    const parts = split(path);
    let pathMatched = false;
    for (const c of compiled) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const fits = c.segments.every((segment, i) => {
        const part = parts[i] as string;
        if (!isParam(segment)) return segment === part;
        params[segment.slice(1, -1)] = part;
        return part.length > 0;
      });
      if (!fits) continue;
      pathMatched = true;
      if (c.route.method === (method.toUpperCase() as HttpMethod)) return { route: c.route, params };
    }
    return { methodMismatch: pathMatched };
  };
}
