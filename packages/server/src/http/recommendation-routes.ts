import type { FastifyInstance } from 'fastify';
import type { Recommendations } from '../work/recommendations.js';

/** `GET /api/v1/recommendations`: the signed-in seeker's current recommendations, best first. */
export function registerRecommendationRoutes(app: FastifyInstance, recommendations: Recommendations): void {
  app.get('/api/v1/recommendations', { schema: { tags: ['recommendations'] } }, (req) =>
    recommendations.list(req.principal),
  );
}
