{{ config(materialized='view') }}
-- The order funnel per day: placed, still open, paid, cancelled, and the paid share.
SELECT
  day,
  count(*) AS placed,
  count(*) FILTER (WHERE status = 'PLACED') AS open,
  count(*) FILTER (WHERE status = 'PAID') AS paid,
  count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
  round(count(*) FILTER (WHERE status = 'PAID') / count(*), 4) AS paid_share
FROM {{ ref('orders') }}
GROUP BY day
