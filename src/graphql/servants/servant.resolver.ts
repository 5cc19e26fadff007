import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseCurp, requireId } from '../../domain/shared/validation.js';
import type { CertificationView, ServantFilter as ServantFilterView, ServantView } from '../../projections/read-model.js';
import { authorize, judgesResource, permits } from '../../application/authorization.js';
import { Authorized, type Viewer } from '../auth.js';
import { Certification } from '../certifications/certification.type.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { selectedFieldNames } from '../selection.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { assertServantInScope, visibleServant } from './servant-scope.js';
import { notOurs } from './servant-cursor.js';
import { BadUserInputError } from '../../domain/shared/errors.js';
import {
  ChangeEmploymentInput,
  ErasePersonalDataInput,
  RegisterServantInput,
  SeparateServantInput,
  ServantsArgs,
} from './servant.input.js';
import { ServantPayload } from './servant-payload.type.js';
import { Servant, ServantConnection } from './servant.type.js';
import { pageInfoOf } from '../shared/page-info.type.js';

const DEFAULT_PAGE = 20;

/** A REGISTRAR's list is its municipality; asking for another one yields nothing. */
function scopedFilter(viewer: Viewer, filter: ServantFilterView): ServantFilterView | null {
  if (!judgesResource(viewer, 'servant:read')) return filter;
  const elsewhere =
    (filter.state != null && filter.state !== viewer.state) ||
    (filter.municipality != null && filter.municipality !== viewer.municipality);
  return elsewhere ? null : { ...filter, state: viewer.state, municipality: viewer.municipality };
}

const EMPTY_CONNECTION: ServantConnection = { edges: [], pageInfo: pageInfoOf([], { hasNextPage: false, hasPreviousPage: false }), totalCount: 0 };

@Resolver(() => Servant)
export class ServantResolver {
  @Authorized('servant:read')
  @Query(() => Servant, { nullable: true, description: 'Signed-in callers: one servant by id; null when unknown, or for a REGISTRAR outside its municipality.' })
  async servant(@Arg('id', () => ID, { description: 'Servant.id (a UUID).' }) id: string, @Ctx() context: GraphQLContext): Promise<ServantView | null> {
    return visibleServant(context, 'servant:read', await context.loaders.servants.load(requireId(id, 'id')));
  }

  /** Only callers who may see the CURP may test one: an answer confirms it (api.md); each hit is recorded. */
  @Authorized('servant:read-curp')
  @Query(() => Servant, {
    nullable: true,
    description: 'ADMIN, AUDITOR, or a REGISTRAR of its municipality: the servant holding this CURP, or null. Rate limited; every hit is recorded in personalDataAccess.',
  })
  async servantByCurp(@Arg('curp', () => String, { description: 'A valid CURP (18 characters, check digit).' }) curp: string, @Ctx() context: GraphQLContext): Promise<ServantView | null> {
    const digest = context.deps.vault.curpDigest(parseCurp(curp));
    const servant = visibleServant(context, 'servant:read-curp', await context.deps.readModel.servantByCurpDigest(digest));
    if (servant) context.personalDataShown.add(servant.id);
    return servant;
  }

  @Authorized('servant:read')
  @Query(() => ServantConnection, {
    description: 'Signed-in callers: servants in registration order, paged forwards (first/after) or back from the latest (last/before). A REGISTRAR sees its municipality only.',
  })
  async servants(@Args(() => ServantsArgs) args: ServantsArgs, @Ctx() context: GraphQLContext): Promise<ServantConnection> {
    if (args.first != null && args.last != null) throw new BadUserInputError('Give first or last, not both', 'last');
    const filter = scopedFilter(authorize(context.viewer, 'servant:read'), { ...args.filter });
    if (!filter) {
      // A list that is always empty never handed out a cursor.
      if (args.after != null) throw notOurs('after');
      if (args.before != null) throw notOurs('before');
      return EMPTY_CONNECTION;
    }
    const cursors = context.deps.servantCursors;
    // Checked before anything is read: a refused cursor costs no query.
    const after = args.after == null ? null : cursors.decode(filter, args.after, 'after');
    const before = args.before == null ? null : cursors.decode(filter, args.before, 'before');
    const fromEnd = args.last != null;
    const size = (fromEnd ? args.last : args.first) ?? DEFAULT_PAGE;
    const page = await context.deps.readModel.servants(filter, { size, after, before, fromEnd });
    const cursorAt = cursors.encoderFor(filter);
    const edges = page.items.map(({ servant, position }) => {
      context.loaders.servants.prime(servant.id, servant);
      return { node: servant, cursor: cursorAt(position) };
    });
    return { edges, pageInfo: pageInfoOf(edges, page), totalCount: page.totalCount };
  }

  @FieldResolver(() => String, { nullable: true, description: 'CURP. Null for callers who may not see personal data.' })
  curp(@Root() servant: ServantView, @Ctx() context: GraphQLContext): string | null {
    if (!permits(context.viewer, 'servant:read-curp', servant) || servant.curp === null) return null;
    context.personalDataShown.add(servant.id);
    return servant.curp;
  }

  @FieldResolver(() => [Certification], { description: "The servant's certifications, one per standard it has started." })
  async certifications(
    @Root() servant: ServantView,
    @Ctx() { loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CertificationView[]> {
    const certifications = await loaders.certificationsByServant.load(servant.id);
    // Every servant of a page gets here in the same tick: one batch each for the whole
    // page, after which Certification.standard and .certificate answer without a promise.
    const wanted = selectedFieldNames(info);
    await Promise.all([
      wanted.has('standard') ? loaders.standards.loadMany(certifications.map((c) => c.standardCode)) : null,
      wanted.has('certificate') ? loaders.certificates.loadMany(certifications.flatMap((c) => (c.folio ? [c.folio] : []))) : null,
    ]);
    return certifications;
  }

  @Authorized('servant:register')
  @Mutation(() => ServantPayload, { description: 'ADMIN, or a REGISTRAR in its own municipality: registers a servant and claims its CURP.' })
  async registerServant(
    @Arg('input', () => RegisterServantInput, { description: INPUT_DESCRIPTION }) input: RegisterServantInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ServantPayload> {
    authorize(context.viewer, 'servant:register', input);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.registerServant(command, ctx));
    return servantPayload(context, result);
  }

  @Authorized('servant:change-employment')
  @Mutation(() => ServantPayload, { description: "ADMIN, or a REGISTRAR of the servant's municipality: records a change of department, job, regime or union membership." })
  async changeEmployment(
    @Arg('input', () => ChangeEmploymentInput, { description: INPUT_DESCRIPTION }) input: ChangeEmploymentInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ServantPayload> {
    await assertServantInScope(context, 'servant:change-employment', input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.changeEmployment(command, ctx));
    return servantPayload(context, result);
  }

  @Authorized('servant:separate')
  @Mutation(() => ServantPayload, { description: "ADMIN, or a REGISTRAR of the servant's municipality: records that the servant left; active turns false." })
  async separateServant(
    @Arg('input', () => SeparateServantInput, { description: INPUT_DESCRIPTION }) input: SeparateServantInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ServantPayload> {
    await assertServantInScope(context, 'servant:separate', input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.separateServant(command, ctx));
    return servantPayload(context, result);
  }

  @Authorized('personal-data:erase')
  @Mutation(() => ServantPayload, {
    description: "Crypto-shredding: destroys the servant's data key; history and hashes stay intact.",
  })
  async erasePersonalData(
    @Arg('input', () => ErasePersonalDataInput, { description: INPUT_DESCRIPTION }) input: ErasePersonalDataInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ServantPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.erasePersonalData(command, ctx));
    return servantPayload(context, result);
  }
}

async function servantPayload(context: GraphQLContext, result: { servantId: string; position: bigint }): Promise<ServantPayload> {
  const servant = mustExist(await context.loaders.servants.load(result.servantId), `Servant ${result.servantId}`);
  return { servant, position: positionString(result.position) };
}
