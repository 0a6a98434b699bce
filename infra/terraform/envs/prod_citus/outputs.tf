output "pulse_analytics" {
  description = "Everything the app and operators read, with the same names as the flexible-server roots; no secrets."
  value       = module.pulse_analytics_citus
}
