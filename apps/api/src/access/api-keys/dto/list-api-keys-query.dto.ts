import { PageQueryDto } from '../../../shared/page-query.dto';

/** Query of GET /api/v1/api-keys: a page, no filters. */
export class ListApiKeysQueryDto extends PageQueryDto {}
