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

export interface Loaders {
  servants: DataLoader<string, ServantView | null>;
  certificationsByServant: DataLoader<string, CertificationView[]>;
  standards: DataLoader<string, StandardView | null>;
  certificates: DataLoader<string, CertificateView | null>;
  certifiedCounts: DataLoader<string, number>;
}

/** `at` is the business time statuses and stages are computed for (the request's now). */
export function createLoaders(readModel: ReadModel, at: Date): Loaders {
  return {
    servants: new DataLoader((ids) => readModel.servantsByIds(ids)),
    certificationsByServant: new DataLoader((ids) => readModel.certificationsByServantIds(ids, at)),
    standards: new DataLoader((codes) => readModel.standardsByCodes(codes)),
    certificates: new DataLoader((folios) => readModel.certificatesByFolios(folios, at)),
    certifiedCounts: new DataLoader((codes) => readModel.certifiedCountsByStandard(codes, at)),
  };
}
