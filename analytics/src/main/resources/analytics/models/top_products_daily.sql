{{ config(materialized='incremental', unique_key='day') }}
-- Products ranked per day by units sold in orders not cancelled (a product whose orders were all
-- cancelled stays listed with 0 units, so a recomputed day replaces every row it had).
SELECT
  o.day,
  l.product_id,
  any_value(o.currency) AS currency,
  CAST(coalesce(sum(l.quantity) FILTER (WHERE o.status <> 'CANCELLED'), 0) AS BIGINT) AS units,
  CAST(coalesce(sum(l.quantity * l.unit_price_cents) FILTER (WHERE o.status <> 'CANCELLED'), 0) AS BIGINT) AS revenue_cents,
  CAST(rank() OVER (PARTITION BY o.day ORDER BY coalesce(sum(l.quantity) FILTER (WHERE o.status <> 'CANCELLED'), 0) DESC,
      l.product_id) AS BIGINT) AS rank
FROM raw_order_lines l
JOIN {{ ref('orders') }} o ON o.order_id = l.order_id
{% if is_incremental() %}
WHERE o.day IN (SELECT day FROM {{ ref('orders') }} WHERE last_seq > {{ since_seq }})
{% endif %}
GROUP BY o.day, l.product_id
