import { type GraphSubmission } from '@slo-engine/core';

type Node = GraphSubmission['nodes'][number];
type Edge = GraphSubmission['edges'][number];

const svc = (
  serviceId: string,
  team: string,
  criticality: 'critical' | 'high' | 'medium' | 'low',
  tier: number,
  extra: Record<string, unknown> = {},
): Node => ({
  serviceId,
  metadata: { team, criticality, tier, namespace: 'production', ...extra },
});
const external = (serviceId: string, publishedSla: number): Node => ({
  serviceId,
  metadata: { team: 'vendors', criticality: 'high', serviceType: 'external', publishedSla },
});
const call = (
  source: string,
  target: string,
  attributes: Partial<Edge['attributes']> = {},
): Edge => ({
  source,
  target,
  attributes: {
    communicationMode: 'sync',
    criticality: 'hard',
    protocol: 'grpc',
    timeoutMs: 2000,
    ...attributes,
  },
});

/**
 * A realistic e-commerce fleet (34 services) that the embedded mode seeds, so a new user sees a
 * real graph: two gateways, a checkout path through an external payment provider, replicated data
 * stores (redundancy groups), soft dependencies (recommendations, reviews), async messaging, and
 * one circular dependency (orders → inventory → fulfilment → orders) to show supernodes.
 */
export function demoTopology(observedAt: Date): GraphSubmission {
  const nodes: Node[] = [
    svc('web-gateway', 'edge', 'critical', 1),
    svc('mobile-gateway', 'edge', 'critical', 1),
    svc('auth-service', 'identity', 'critical', 1),
    svc('session-store', 'identity', 'high', 1),
    svc('user-profile-service', 'identity', 'high', 2),
    svc('catalog-service', 'catalog', 'high', 1),
    svc('search-service', 'search', 'high', 1),
    svc('search-index', 'search', 'high', 2),
    svc('pricing-service', 'catalog', 'high', 1),
    svc('promotions-service', 'growth', 'medium', 2),
    svc('recommendation-service', 'growth', 'low', 3),
    svc('reviews-service', 'catalog', 'low', 3),
    svc('cart-service', 'checkout', 'critical', 1),
    svc('checkout-service', 'checkout', 'critical', 1),
    svc('payment-service', 'payments', 'critical', 1),
    svc('fraud-service', 'payments', 'high', 1),
    svc('tax-service', 'payments', 'high', 2),
    svc('orders-service', 'fulfilment', 'critical', 1),
    svc('inventory-service', 'fulfilment', 'critical', 1),
    svc('fulfilment-service', 'fulfilment', 'high', 2),
    svc('shipping-service', 'fulfilment', 'high', 2),
    svc('notification-service', 'platform', 'medium', 2),
    svc('event-bus', 'platform', 'critical', 1),
    svc('orders-db-primary', 'fulfilment', 'critical', 1),
    svc('orders-db-replica', 'fulfilment', 'critical', 1),
    svc('catalog-db-primary', 'catalog', 'high', 1),
    svc('catalog-db-replica', 'catalog', 'high', 1),
    svc('cart-cache', 'checkout', 'high', 1),
    svc('payments-db', 'payments', 'critical', 1),
    external('stripe-api', 0.9999),
    external('adyen-api', 0.9995),
    external('sendgrid-api', 0.999),
    external('shipping-carrier-api', 0.995),
    external('tax-rates-api', 0.999),
  ];
  const catalogDb = { redundancyGroup: 'catalog-db' };
  const ordersDb = { redundancyGroup: 'orders-db' };
  const psp = { redundancyGroup: 'payment-providers', protocol: 'https', timeoutMs: 5000 };
  const edges: Edge[] = [
    call('web-gateway', 'auth-service'),
    call('web-gateway', 'catalog-service'),
    call('web-gateway', 'search-service'),
    call('web-gateway', 'cart-service'),
    call('web-gateway', 'checkout-service'),
    call('web-gateway', 'recommendation-service', { criticality: 'soft', timeoutMs: 300 }),
    call('mobile-gateway', 'auth-service'),
    call('mobile-gateway', 'catalog-service'),
    call('mobile-gateway', 'cart-service'),
    call('mobile-gateway', 'checkout-service'),
    call('mobile-gateway', 'user-profile-service'),
    call('auth-service', 'session-store', { protocol: 'redis' }),
    call('user-profile-service', 'auth-service'),
    call('catalog-service', 'catalog-db-primary', { protocol: 'postgres', ...catalogDb }),
    call('catalog-service', 'catalog-db-replica', { protocol: 'postgres', ...catalogDb }),
    call('catalog-service', 'pricing-service'),
    call('catalog-service', 'reviews-service', { criticality: 'soft', timeoutMs: 300 }),
    call('search-service', 'search-index', { protocol: 'http' }),
    call('search-service', 'pricing-service'),
    call('pricing-service', 'promotions-service', { criticality: 'degraded' }),
    call('recommendation-service', 'catalog-service'),
    call('cart-service', 'cart-cache', { protocol: 'redis' }),
    call('cart-service', 'pricing-service'),
    call('cart-service', 'inventory-service'),
    call('checkout-service', 'cart-service'),
    call('checkout-service', 'payment-service', { timeoutMs: 10000 }),
    call('checkout-service', 'orders-service'),
    call('checkout-service', 'tax-service'),
    call('checkout-service', 'promotions-service', { criticality: 'soft' }),
    call('payment-service', 'fraud-service'),
    call('payment-service', 'payments-db', { protocol: 'postgres' }),
    call('payment-service', 'stripe-api', psp),
    call('payment-service', 'adyen-api', psp),
    call('tax-service', 'tax-rates-api', { protocol: 'https' }),
    call('orders-service', 'orders-db-primary', { protocol: 'postgres', ...ordersDb }),
    call('orders-service', 'orders-db-replica', { protocol: 'postgres', ...ordersDb }),
    call('orders-service', 'inventory-service'),
    call('orders-service', 'event-bus', { communicationMode: 'async', protocol: 'kafka' }),
    call('inventory-service', 'fulfilment-service'),
    call('fulfilment-service', 'orders-service'),
    call('fulfilment-service', 'shipping-service'),
    call('shipping-service', 'shipping-carrier-api', { protocol: 'https', timeoutMs: 8000 }),
    call('notification-service', 'sendgrid-api', { protocol: 'https' }),
    call('event-bus', 'notification-service', {
      communicationMode: 'async',
      protocol: 'kafka',
      criticality: 'soft',
    }),
  ];
  return { source: 'manual', observedAt, nodes, edges };
}
