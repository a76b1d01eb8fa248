-- Seed data: runs once, on the first start against an empty database.
INSERT INTO products (sku, name, description, price_cents, currency, initial_stock) VALUES
  ('GT-001', 'Trail Runner Shoes', 'Lightweight shoes for rough trails', 11900, 'EUR', 40),
  ('GT-002', 'Rain Shell Jacket', 'Packable waterproof shell', 15900, 'EUR', 25),
  ('GT-003', 'Merino Base Layer', 'Long-sleeve merino wool top', 6900, 'EUR', 60),
  ('GT-004', 'Insulated Bottle', '750 ml, keeps drinks cold for 24 h', 2900, 'EUR', 120),
  ('GT-005', 'Headlamp 400', '400 lumen rechargeable headlamp', 4500, 'EUR', 80),
  ('GT-006', 'Daypack 22L', 'Ventilated back, hip belt pockets', 8900, 'EUR', 30),
  ('GT-007', 'Trekking Poles', 'Carbon, folding, pair', 12900, 'EUR', 20),
  ('GT-008', 'Camp Stove', 'Canister stove with piezo igniter', 5400, 'EUR', 35),
  ('GT-009', 'Sleeping Pad', 'Inflatable, R-value 4.2', 9900, 'EUR', 18),
  ('GT-010', 'Down Sleeping Bag', 'Comfort to -5 C', 27900, 'EUR', 12),
  ('GT-011', 'Water Filter', 'Squeeze filter, 0.1 micron', 3900, 'EUR', 90),
  ('GT-012', 'First Aid Kit', 'Compact kit for two people', 2400, 'EUR', 70);
