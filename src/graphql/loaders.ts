/**
 * Per-request DataLoaders over the read model's batch methods: a page of
 * servants with their certifications, standards and certificates costs one
 * batch call per entity, whatever the page size. Times are fixed per request.
 */
import DataLoader from 'dataloader';
import type {
  CertificateView,
  CertificationView,
  ReadModel,
  ServantView,
  StandardView,
} from '../projections/read-model.js';

/**
 * A DataLoader that also keeps what its batches answered, readable without a
 * promise: a field whose data was fetched ahead for a whole list resolves
 * synchronously, sparing graphql-js a promise per field and per object.
 */
export interface KeptLoader<K, V> extends DataLoader<K, V> {
  /** What a batch answered for `key`, or undefined when none has (yet). */
  kept(key: K): { value: V } | undefined;
}

function keptLoader<K, V>(batch: (keys: readonly K[]) => Promise<V[]>): KeptLoader<K, V> {
  const answered = new Map<K, { value: V }>();
  const loader = new DataLoader<K, V>(async (keys) => {
    const values = await batch(keys);
    keys.forEach((key, i) => answered.set(key, { value: values[i] }));
    return values;
  });
  return Object.assign(loader, { kept: (key: K) => answered.get(key) });
}

export interface Loaders {
  servants: DataLoader<string, ServantView | null>;
  certificationsByServant: DataLoader<string, CertificationView[]>;
  standards: KeptLoader<string, StandardView | null>;
  certificates: KeptLoader<string, CertificateView | null>;
  certifiedCounts: DataLoader<string, number>;
}

/** `at` is the business time statuses and stages are computed for (the request's now). */
export function createLoaders(readModel: ReadModel, at: Date): Loaders {
  return {
    servants: new DataLoader((ids) => readModel.servantsByIds(ids)),
    certificationsByServant: new DataLoader((ids) => readModel.certificationsByServantIds(ids, at)),
    standards: keptLoader((codes) => readModel.standardsByCodes(codes)),
    certificates: keptLoader((folios) => readModel.certificatesByFolios(folios, at)),
    certifiedCounts: new DataLoader((codes) => readModel.certifiedCountsByStandard(codes, at)),
  };
}
