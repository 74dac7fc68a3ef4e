import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem-details/problem-details';

@ApiSchema({ name: 'FieldError' })
export class FieldErrorSchema {
  @ApiProperty({ example: 'edges[3].target', description: 'Path of the offending input field.' })
  readonly field!: string;

  @ApiProperty({ example: 'target must be shorter than or equal to 255 characters' })
  readonly message!: string;
}

/** The `ProblemDetails` component of every OpenAPI document (RFC 9457 with SLO Engine's extensions). */
@ApiSchema({
  name: 'ProblemDetails',
  description: 'RFC 9457 problem details (application/problem+json).',
})
export class ProblemDetailsSchema {
  @ApiProperty({
    example: 'https://slo-engine.dev/problems/graph-service-not-found',
    description: 'Problem type URI; `about:blank` when the problem is just its HTTP status.',
  })
  readonly type!: string;

  @ApiProperty({ example: 'Service not found' })
  readonly title!: string;

  @ApiProperty({ example: 404 })
  readonly status!: number;

  @ApiProperty({ example: "Service 'checkout' is not registered." })
  readonly detail!: string;

  @ApiProperty({
    example: '/api/v1/services/checkout/dependencies',
    description: 'The request path.',
  })
  readonly instance!: string;

  @ApiProperty({
    example: 'GRAPH.SERVICE_NOT_FOUND',
    description: 'Stable machine-readable code; `HTTP.<STATUS_NAME>` for plain HTTP statuses.',
  })
  readonly code!: string;

  @ApiProperty({
    example: '3f0c2b1e-6a9d-4d8e-9a57-2f1f1f0c9b1a',
    description: 'The request id (`x-request-id`); quote it when reporting a problem.',
  })
  readonly correlationId!: string;

  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'One entry per invalid input field.',
  })
  readonly errors?: FieldErrorSchema[];
}

/**
 * Documents an error response whose body is a `ProblemDetails` in `application/problem+json`:
 * `@ApiProblemResponse(404, 'No service has this id.')`.
 */
export function ApiProblemResponse(
  status: number,
  description: string,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsSchema, FieldErrorSchema),
    ApiResponse({
      status,
      description,
      content: {
        [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsSchema) } },
      },
    }),
  );
}
