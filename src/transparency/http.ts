/**
 * The log's public HTTP resources (C2SP tlog-tiles, prefix /log):
 *   GET /log/checkpoint                 the latest signed checkpoint, with witness cosignatures
 *   GET /log/key                        the log's verifier key
 *   GET /log/tile/<L>/<N>[.p/<W>]       hash tiles; no entry bundles (events are for auditors)
 * Returns false for any other path, so the server goes on routing.
 */
import type { ServerResponse } from 'node:http';
import type { TransparencyLog } from './log.js';
import { parseTilePath } from './tiles.js';

const PREFIX = '/log/';

export async function handleLogRequest(pathname: string, res: ServerResponse, log: TransparencyLog | undefined): Promise<boolean> {
  if (!pathname.startsWith(PREFIX)) return false;
  const rest = pathname.slice(PREFIX.length);
  if (!log) return send(res, 503, 'text/plain; charset=utf-8', 'The transparency log is not configured in this process.\n');
  if (rest === 'checkpoint') {
    const checkpoint = await log.currentCheckpoint();
    // Mutable: a few seconds at most (tlog-tiles).
    res.setHeader('cache-control', 'no-cache, max-age=2');
    return send(res, 200, 'text/plain; charset=utf-8', checkpoint.note);
  }
  if (rest === 'key') {
    res.setHeader('cache-control', 'public, max-age=3600');
    return send(res, 200, 'text/plain; charset=utf-8', `${log.verifierKey}\n`);
  }
  const tile = parseTilePath(rest);
  if (!tile) return send(res, 404, 'text/plain; charset=utf-8', 'Not found: tiles are at /log/tile/<L>/<N>[.p/<W>] (C2SP tlog-tiles); no entry bundles are served.\n');
  const bytes = await log.tile(tile.level, tile.index, tile.width);
  if (!bytes) return send(res, 404, 'text/plain; charset=utf-8', 'Not found: the tree has no such tile (yet).\n');
  // Immutable: a tile of a given width never changes.
  res.setHeader('cache-control', 'public, max-age=31536000, immutable');
  return send(res, 200, 'application/octet-stream', bytes);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): true {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.end(body);
  return true;
}
