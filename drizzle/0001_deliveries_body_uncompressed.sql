-- Webhook bodies are stored as received and read once: compressing them (pglz) costs more
-- CPU on the acknowledgement path than the space saves, most of all in PGlite's wasm.
ALTER TABLE "deliveries" ALTER COLUMN "body" SET STORAGE EXTERNAL;
