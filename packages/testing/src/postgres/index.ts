export { PrivatePostgres, postgresBinDir, postgresCondition, type PrivatePostgresOptions } from './private-postgres.js';
