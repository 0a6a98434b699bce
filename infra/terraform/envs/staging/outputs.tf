output "pulse_analytics" {
  description = "Everything the app and operators read (host, port, name, user, sslmode, Key Vault secret ids); no secrets."
  value       = module.pulse_analytics_postgres
}
