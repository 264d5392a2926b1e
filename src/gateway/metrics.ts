// Gateway counters and their Prometheus text exposition (format 0.0.4: HELP, TYPE, escaped label values).

import { BINARY_TO_LEGACY } from '../connection/legacy-binary.js';
import { ALL_DRAFTS, type DraftId } from '../core/types.js';
import type { RejectReason } from './log.js';

export type Direction = 'client_to_upstream' | 'upstream_to_client';

const DIRECTIONS: readonly Direction[] = ['client_to_upstream', 'upstream_to_client'];
const REASONS: readonly RejectReason[] = [
  'origin',
  'max_connections',
  'upstream_refused',
  'upstream_unreachable',
  'handshake',
  'shutting_down',
];

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Prometheus label values escape backslash, double quote and newline. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The counters alone, as plain data: what a worker sends its primary so /metrics can cover the group. */
export type MetricsSnapshot = Pick<
  GatewayMetrics,
  'open' | 'total' | 'messages' | 'bytes' | 'rejections' | 'binaryToLegacy'
>;

/** Every counter the gateway keeps; all series exist from the start, so rates work from zero. */
export class GatewayMetrics {
  /** Counters summed over several gateways (the workers of one group); unknown keys are ignored. */
  static sum(snapshots: readonly MetricsSnapshot[]): GatewayMetrics {
    const total = new GatewayMetrics();
    for (const snap of snapshots)
      for (const [family, values] of Object.entries(snap)) {
        const into = total[family as keyof MetricsSnapshot] as Record<string, number> | undefined;
        if (into === undefined) continue;
        for (const [k, v] of Object.entries(values as Record<string, number>))
          if (k in into && typeof v === 'number') into[k] = (into[k] ?? 0) + v;
      }
    return total;
  }

  readonly open = zeros(ALL_DRAFTS);
  readonly total = zeros(ALL_DRAFTS);
  readonly messages = zeros(DIRECTIONS);
  readonly bytes = zeros(DIRECTIONS);
  readonly rejections = zeros(REASONS);
  /** Upstream binary messages dropped or closed on because the client's draft has no binary frames. */
  readonly binaryToLegacy = zeros(BINARY_TO_LEGACY);

  opened(draft: DraftId): void {
    this.open[draft]++;
    this.total[draft]++;
  }

  closed(draft: DraftId): void {
    this.open[draft]--;
  }

  message(direction: Direction, bytes: number): void {
    this.messages[direction]++;
    this.bytes[direction] += bytes;
  }

  rejected(reason: RejectReason): void {
    this.rejections[reason]++;
  }

  snapshot(): MetricsSnapshot {
    const { open, total, messages, bytes, rejections, binaryToLegacy } = this;
    return { open, total, messages, bytes, rejections, binaryToLegacy };
  }

  /** Connections open over all drafts. */
  get openCount(): number {
    return ALL_DRAFTS.reduce((n, d) => n + this.open[d], 0);
  }

  /** The text format served at /metrics. */
  render(): string {
    const out: string[] = [];
    const family = (
      name: string,
      type: string,
      help: string,
      label: string,
      values: Record<string, number>,
    ) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [k, v] of Object.entries(values)) out.push(`${name}{${label}="${esc(k)}"} ${v}`);
    };
    family('wscompat_gateway_connections_open', 'gauge', 'Client connections open.', 'draft', this.open);
    family(
      'wscompat_gateway_connections_total',
      'counter',
      'Client connections opened.',
      'draft',
      this.total,
    );
    family('wscompat_gateway_messages_total', 'counter', 'Messages relayed.', 'direction', this.messages);
    family('wscompat_gateway_bytes_total', 'counter', 'Payload bytes relayed.', 'direction', this.bytes);
    family(
      'wscompat_gateway_rejections_total',
      'counter',
      'Client handshakes refused.',
      'reason',
      this.rejections,
    );
    family(
      'wscompat_gateway_binary_to_legacy_total',
      'counter',
      'Upstream binary messages toward text-only clients, by action.',
      'action',
      this.binaryToLegacy,
    );
    return `${out.join('\n')}\n`;
  }
}
