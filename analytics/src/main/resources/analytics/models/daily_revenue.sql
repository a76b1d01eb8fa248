{{ config(materialized='incremental', unique_key='day,currency') }}
-- Revenue per day (the day an order was placed, UTC) and currency: what was placed and not
-- cancelled, what of it is paid, what was cancelled. Incremental: the days of orders that
-- changed since the last build are recomputed whole.
SELECT
  day,
  currency,
  count(*) AS orders,
  count(*) FILTER (WHERE status <> 'CANCELLED') AS kept_orders,
  CAST(coalesce(sum(total_cents) FILTER (WHERE status <> 'CANCELLED'), 0) AS BIGINT) AS revenue_cents,
  CAST(coalesce(sum(total_cents) FILTER (WHERE status = 'PAID'), 0) AS BIGINT) AS paid_cents,
  CAST(coalesce(sum(total_cents) FILTER (WHERE status = 'CANCELLED'), 0) AS BIGINT) AS cancelled_cents
FROM {{ ref('orders') }}
{% if is_incremental() %}
WHERE day IN (SELECT day FROM {{ ref('orders') }} WHERE last_seq > {{ since_seq }})
{% endif %}
GROUP BY day, currency
