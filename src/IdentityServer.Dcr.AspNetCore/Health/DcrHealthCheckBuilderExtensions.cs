// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.AspNetCore.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

#pragma warning disable IDE0130 // DI extensions live in Microsoft.Extensions.DependencyInjection (house style §3.4).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Health checks and endpoints of the DCR engine, with the ASP.NET Core health-check conventions.</summary>
public static class DcrHealthCheckBuilderExtensions
{
    /// <summary>Adds <see cref="DcrTrustAnchorsHealthCheck"/>, tagged <c>ready</c> unless other tags are given.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Its tags.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddDcrTrustAnchorsCheck(
        this IHealthChecksBuilder builder,
        string name = "dcr-trust-anchors",
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<DcrTrustAnchorsHealthCheck>(name, HealthStatus.Unhealthy, tags ?? ["ready"], TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process answers; no check runs, so a database outage never restarts a healthy
    /// process) and <c>/health/ready</c> (every check tagged <c>ready</c>), both answering JSON:
    /// <c>{"status": "...", "checks": {"name": {"status": "...", "description": "..."}}}</c>, 200 when healthy or
    /// degraded, 503 when unhealthy.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The path prefix. Default <c>/health</c>.</param>
    /// <returns>The builder for the two endpoints.</returns>
    public static IEndpointConventionBuilder MapDcrHealthChecks(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var live = endpoints.MapHealthChecks(prefix + "/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        var ready = endpoints.MapHealthChecks(
            prefix + "/ready",
            new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready"), ResponseWriter = WriteAsync });
        return new Conventions([live, ready]);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", report.Status.ToString());
            writer.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                writer.WriteStartObject(name);
                writer.WriteString("status", entry.Status.ToString());
                writer.WriteString("description", entry.Description);
                writer.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                foreach (var (key, value) in entry.Data)
                {
                    writer.WriteString(key, value?.ToString());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    private sealed class Conventions(IEndpointConventionBuilder[] builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}
