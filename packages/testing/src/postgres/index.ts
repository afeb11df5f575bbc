export { PrivatePostgres, postgresBinDir, postgresCondition, usePrivatePostgres, type PrivatePostgresOptions } from './private-postgres.js';
