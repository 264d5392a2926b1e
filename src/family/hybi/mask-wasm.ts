// RFC 6455 §5.3 masking in WebAssembly SIMD (16 bytes per XOR): portable bytecode, no native addon.

/**
 * The module, assembled by hand (no toolchain needed to rebuild it). Its text form:
 *
 *   (module
 *     (memory (export "m") 1)
 *     ;; memory[0, len) ^= key, 64 bytes per turn; `len` is a multiple of 64, `key` the 4 key bytes as a
 *     ;; little-endian word (WebAssembly memory is little-endian on every host).
 *     (func (export "x") (param $len i32) (param $key i32) (local $i i32) (local $v v128)
 *       (local.set $v (i32x4.splat (local.get $key)))
 *       (block $done (loop $next
 *         (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
 *         (v128.store offset=0 (local.get $i) (v128.xor (v128.load offset=0 (local.get $i)) (local.get $v)))
 *         ;; ... the same at offset=16, 32 and 48
 *         (local.set $i (i32.add (local.get $i) (i32.const 64)))
 *         (br $next)))))
 */
function moduleBytes(): Uint8Array {
  // local.get $i; local.get $i; v128.load offset; local.get $v; v128.xor; v128.store offset
  const lane = (offset: number): number[] => [
    0x20,
    0x02,
    0x20,
    0x02,
    0xfd,
    0x00,
    0x04,
    offset,
    0x20,
    0x03,
    0xfd,
    0x51,
    0xfd,
    0x0b,
    0x04,
    offset,
  ];
  const body = [
    ...[0x02, 0x01, 0x7f, 0x01, 0x7b], // locals: one i32, one v128
    ...[0x20, 0x01, 0xfd, 0x11, 0x21, 0x03], // $v = i32x4.splat($key)
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...[0x20, 0x02, 0x20, 0x00, 0x4f, 0x0d, 0x01], // br_if $done ($i >= $len)
    ...lane(0x00),
    ...lane(0x10),
    ...lane(0x20),
    ...lane(0x30),
    ...[0x20, 0x02, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x02], // $i += 64
    ...[0x0c, 0x00, 0x0b, 0x0b, 0x0b], // br $next; end loop, block, func
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...[0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00], // types: (i32, i32) -> ()
    ...[0x03, 0x02, 0x01, 0x00], // functions: one of type 0
    ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory: one page, no maximum
    ...[0x07, 0x09, 0x02, 0x01, 0x6d, 0x02, 0x00, 0x01, 0x78, 0x00, 0x00], // exports "m", "x"
    // code: one body; both sizes stay under 128, so each fits one LEB128 byte.
    ...[0x0a, body.length + 2, 0x01, body.length, ...body],
  ]);
}

/**
 * Bytes per call: the whole page (a multiple of 64, one loop turn, so rounding up stays inside). Measured
 * against 16 and 32 KiB: fewer calls beat keeping the block in L1; L2 holds it.
 */
const BLOCK = 64 * 1024;

export interface WasmMasker {
  /**
   * dst[at + i] = src[start + i] ^ key[i % 4] for i < end - start, where `word` holds the key bytes
   * k0..k3 little-endian (k0 lowest). `dst` may be `src` with `at === start` (in place).
   */
  xorInto(src: Buffer, start: number, end: number, dst: Buffer, at: number, word: number): void;
}

/** The slice of the WebAssembly JS API used here (the project's type libraries leave it out). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** Compile the module, or undefined where WebAssembly or its SIMD extension is unavailable. */
export function createWasmMasker(): WasmMasker | undefined {
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (api === undefined) return undefined;
    const { exports } = new api.Instance(new api.Module(moduleBytes()));
    const { m, x } = exports as { m: { buffer: ArrayBuffer }; x: (len: number, key: number) => void };
    // The memory never grows, so these views are never detached. Plain Uint8Array views, not Buffers:
    // their construction skips Buffer's species lookup, which costs as much as copying a small block.
    const memory = new Uint8Array(m.buffer);
    const block = memory.subarray(0, BLOCK);
    const xor = x;
    return {
      xorInto(src, start, end, dst, at, word) {
        const base = src.byteOffset;
        // Each block is a multiple of 4 bytes long, so the key stays in phase from block to block.
        for (let from = start; from < end; from += BLOCK) {
          const n = Math.min(BLOCK, end - from);
          // A whole chunk (the common case while gathering) is copied without making a view of it.
          memory.set(n === src.length ? src : new Uint8Array(src.buffer, base + from, n));
          xor((n + 63) & ~63, word | 0);
          dst.set(n === BLOCK ? block : memory.subarray(0, n), at + (from - start));
        }
      },
    };
  } catch {
    // No SIMD support (older engines, --jitless): the JS loop serves.
    return undefined;
  }
}
