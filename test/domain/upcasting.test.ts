import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, upcast } from '../../src/domain/upcasting.js';

const v1 = {
  servantId: '6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10',
  standardCode: 'EC0105',
  modality: 'presencial',
  enrolledAt: '2017-03-01T15:00:00.000Z',
};

describe('upcast', () => {
  it('writes TrainingEnrolled at v2 and every other event at v1', () => {
    expect(CURRENT_SCHEMA_VERSION.TrainingEnrolled).toBe(2);
    const others = Object.entries(CURRENT_SCHEMA_VERSION).filter(([type]) => type !== 'TrainingEnrolled');
    expect(others.every(([, version]) => version === 1)).toBe(true);
  });

  it('reads TrainingEnrolled v1 (Spanish modality, no provider) as v2, without touching the stored data', () => {
    const stored = structuredClone(v1);
    expect(upcast('TrainingEnrolled', stored, 1)).toEqual({
      data: { ...v1, modality: 'PRESENTIAL', provider: 'Ayuntamiento' },
      schemaVersion: 2,
    });
    expect(stored).toEqual(v1);
    expect(upcast('TrainingEnrolled', { ...v1, modality: 'virtual' }, 1).data).toMatchObject({ modality: 'VIRTUAL' });
    expect(upcast('TrainingEnrolled', { ...v1, modality: ' Mixta ' }, 1).data).toMatchObject({ modality: 'BLENDED' });
  });

  it('leaves current events as they are', () => {
    const v2 = { ...v1, modality: 'VIRTUAL', provider: 'UTT' };
    expect(upcast('TrainingEnrolled', v2, 2)).toEqual({ data: v2, schemaVersion: 2 });
    const goal = { goalId: 'g', target: 600 };
    expect(upcast('GoalSet', goal, 1)).toEqual({ data: goal, schemaVersion: 1 });
  });

  it('passes unknown event types through', () => {
    expect(upcast('SomethingElse', { a: 1 }, 7)).toEqual({ data: { a: 1 }, schemaVersion: 7 });
  });

  it('refuses versions it cannot read and v1 modalities it does not know', () => {
    expect(() => upcast('TrainingEnrolled', v1, 3)).toThrow(/schemaVersion 3/);
    expect(() => upcast('TrainingEnrolled', v1, 0)).toThrow(/schemaVersion 0/);
    expect(() => upcast('TrainingEnrolled', { ...v1, modality: 'a distancia' }, 1)).toThrow(/unknown modality/);
  });
});
