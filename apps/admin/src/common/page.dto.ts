import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest page of users, keys, operators and key deletions. */
export const MAX_PAGE_LIMIT = 200;
export const DEFAULT_PAGE_LIMIT = 50;
/** Largest offset: far past any real list, and a 32-bit integer on both engines. */
export const MAX_PAGE_OFFSET = 2_147_483_647;

/** `?offset&limit` of the offset-paginated lists. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
    default: DEFAULT_PAGE_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;
}

/** What every offset page carries besides its items. */
export class PageMetaDto {
  @ApiProperty({ type: 'integer', description: 'Number of all items that match the filters' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  offset!: number;

  @ApiProperty({ type: 'integer' })
  limit!: number;
}

/** The offset and limit a query asks for, with the defaults. */
export function pageOf(query: PageQueryDto): { offset: number; limit: number } {
  return { offset: query.offset ?? 0, limit: query.limit ?? DEFAULT_PAGE_LIMIT };
}

/** An optional date as the API writes it: ISO 8601 in UTC, or null. */
export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
