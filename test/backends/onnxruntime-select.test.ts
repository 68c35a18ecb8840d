/**
 * Choosing the onnxruntime backend: its thread settings, and the fallback when onnxruntime-node
 * does not load (simulated: its binding module throws as a missing package does) — `auto` goes
 * on to wasm as before, saying why; asking for `onnxruntime` by name is a UsageError.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of select.ts (its chosen backend is per module instance). */
async function freshSelect() {
  vi.resetModules();
  return import('../../src/backends/select.ts');
}

afterEach(() => {
  vi.doUnmock('../../src/backends/onnxruntime/runtime/binding.ts');
});

describe('selectBackend with onnxruntime-node installed', () => {
  it("'onnxruntime': data-parallel by default (one ORT thread per shard), or ORT's own threads", async () => {
    const { selectBackend, BACKENDS } = await freshSelect();
    expect(BACKENDS).toEqual(['auto', 'tensorflow', 'onnxruntime', 'wasm', 'cpu']);
    expect(await selectBackend('onnxruntime', { threads: 2 })).toEqual({ name: 'onnxruntime', threads: 2, parallel: 'data', workers: 1 });
    const { tf } = await import('../../src/tf.ts');
    expect(tf.getBackend()).toBe('onnxruntime');
    const { sessionThreads } = await import('../../src/backends/onnxruntime/runtime/sessions.ts');
    expect(sessionThreads()).toEqual({ intraOp: 1, spinning: false });
    expect(await selectBackend('onnxruntime', { threads: 2, parallel: 'threads' })).toEqual({
      name: 'onnxruntime',
      threads: 2,
      parallel: 'threads',
      workers: 0,
    });
    expect(sessionThreads()).toEqual({ intraOp: 2, spinning: false });
  });

  it("'auto' takes onnxruntime when @tensorflow/tfjs-node does not load", async () => {
    const { selectBackend } = await freshSelect();
    const info = await selectBackend('auto', { threads: 2 });
    let tfjsNode = true;
    try {
      (await import('node:module')).createRequire(import.meta.url)('@tensorflow/tfjs-node');
    } catch {
      tfjsNode = false;
    }
    expect(info.name).toBe(tfjsNode ? 'tensorflow' : 'onnxruntime');
  });
});

describe('selectBackend when onnxruntime-node does not load', () => {
  /** loadBinding throwing `message` (default: Node's for a missing module, the files that asked for it after `Require stack:`). */
  const simulateMissing = (message = "Cannot find module 'onnxruntime-node/dist/binding.js'\nRequire stack:\n- /app/dist/binding.js\n- /app/src/select.ts") =>
    vi.doMock('../../src/backends/onnxruntime/runtime/binding.ts', () => ({
      loadBinding: () => {
        throw new Error(message);
      },
    }));

  it("'auto' says a failure's reason given after its first line", async () => {
    simulateMissing('onnxruntime-node could not start:\n  libonnxruntime.so.1: cannot open shared object file: No such file or directory');
    const { selectBackend } = await freshSelect();
    const info = await selectBackend('auto', { threads: 2 });
    expect(info.note).toContain(
      'onnxruntime-node did not load (onnxruntime-node could not start: libonnxruntime.so.1: cannot open shared object file: No such file or directory); using wasm',
    );
  });

  it("'auto' falls back to wasm, with a note saying why", async () => {
    simulateMissing();
    const { selectBackend } = await freshSelect();
    const info = await selectBackend('auto', { threads: 2 });
    expect(info.name).toBe('wasm');
    expect(info.workers).toBe(1);
    expect(info.note).toMatch(/onnxruntime-node did not load \(Cannot find module 'onnxruntime-node\/dist\/binding\.js'\); using wasm$/);
  });

  it("'onnxruntime' by name is a UsageError that names the backend, not a command-line flag", async () => {
    simulateMissing();
    const { selectBackend } = await freshSelect();
    const { UsageError } = await import('../../src/errors.ts');
    const err = await selectBackend('onnxruntime').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      "backend 'onnxruntime' is unavailable: onnxruntime-node did not load (Cannot find module 'onnxruntime-node/dist/binding.js'); use backend 'auto' or 'wasm'",
    );
  });
});
