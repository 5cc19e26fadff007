/**
 * Fault injection on the real read model: one method fails or waits for a
 * signal; every other call goes to the real thing.
 */
import type { Application } from '../../../src/app/application.js';
import type { ReadModel } from '../../../src/projections/read-model.js';

export function failing(method: keyof ReadModel, error: Error): (app: Application) => ReadModel {
  return ({ readModel }) =>
    new Proxy(readModel, {
      get(target, property, receiver) {
        if (property === method) return () => Promise.reject(error);
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

/** `method` waits until release() is called; `entered` resolves when a call arrives. */
export function gated(method: keyof ReadModel) {
  let release!: () => void;
  let entered!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (entered = resolve));
  const wrap = ({ readModel }: Application): ReadModel =>
    new Proxy(readModel, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property !== method) return value.bind(target);
        return async (...args: unknown[]) => {
          entered();
          await released;
          return value.apply(target, args);
        };
      },
    });
  return { wrap, release, arrived };
}
