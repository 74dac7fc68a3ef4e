import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateApiKeyUseCase, ListApiKeysUseCase, RevokeApiKeyUseCase } from '@slo-engine/core';
import { Access, ApiProblemResponse, CurrentPrincipal, type Principal } from '@slo-engine/platform';
import { presentApiKey, presentCreatedApiKey } from './api-keys.presenter';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyPageDto, CreatedApiKeyDto } from './dto/api-key-response.dto';
import { ListApiKeysQueryDto } from './dto/list-api-keys-query.dto';

/** API keys for service callers (spec 004 FR-8, SEC-002): sre_admin only. */
@ApiTags('api keys')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly createKey: CreateApiKeyUseCase,
    private readonly listKeys: ListApiKeysUseCase,
    private readonly revokeKey: RevokeApiKeyUseCase,
  ) {}

  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @Post()
  @HttpCode(201)
  // The body carries a secret: no cache, proxy or browser history may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Issues a key for a service caller (e.g. a Backstage backend) to send in `X-API-Key`. The raw key is in `api_key` of this response only: the server stores a hash of its secret and cannot show it again. `service_owner` keys need a `team`.',
  })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  @ApiProblemResponse(400, 'A field is malformed; `errors[]` names each one. Nothing is stored.')
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedApiKeyDto> {
    const created = await this.createKey.execute({
      name: body.name,
      role: body.role,
      team: body.team ?? null,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      createdBy: principal.actor,
    });
    return presentCreatedApiKey(created);
  }

  @Access({ role: 'sre_admin', ratePerMinute: 30 })
  @Get()
  @ApiOperation({
    summary: 'List API keys (newest first, cursor pagination)',
    description: 'Revoked and expired keys are listed too. Never includes a secret or its hash.',
  })
  @ApiResponse({ status: 200, type: ApiKeyPageDto })
  @ApiProblemResponse(400, 'cursor or limit is malformed.')
  async list(@Query() query: ListApiKeysQueryDto): Promise<ApiKeyPageDto> {
    const page = await this.listKeys.execute({
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return { items: page.items.map(presentApiKey), next_cursor: page.nextCursor };
  }

  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'The key stops working at once on this instance and within the verification cache TTL (60 s by default) on the others. Revoking a revoked key again succeeds and changes nothing.',
  })
  @ApiParam({ name: 'id', example: '7hQ2mXr9LkPz' })
  @ApiResponse({ status: 204, description: 'Revoked.' })
  @ApiProblemResponse(404, 'No API key has this id.')
  async revoke(@Param('id') id: string): Promise<void> {
    await this.revokeKey.execute({ id });
  }
}
