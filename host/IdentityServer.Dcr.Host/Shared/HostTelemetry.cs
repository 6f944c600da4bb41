// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Diagnostics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IdentityServer.Dcr.Host.Shared;

/// <summary>
/// The demo banks' OpenTelemetry wiring, as a bank would write it: the library's source and meter
/// (<see cref="DcrTelemetry.Name"/>) with ASP.NET Core, HttpClient (JWKS fetches), Npgsql and runtime instrumentation,
/// exported to Prometheus (<c>Telemetry:Prometheus</c>, a scrape endpoint at <c>/metrics</c>) and/or OTLP
/// (<c>Telemetry:Otlp:Endpoint</c>). Neither configured: no OpenTelemetry at all.
/// </summary>
internal static class HostTelemetry
{
    public static WebApplicationBuilder AddHostTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var prometheus = builder.Configuration.GetValue<bool>("Telemetry:Prometheus");
        var otlp = Uri.TryCreate(builder.Configuration["Telemetry:Otlp:Endpoint"], UriKind.Absolute, out var endpoint) ? endpoint : null;
        if (!prometheus && otlp is null)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(DcrTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(DcrTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        _ = telemetry;
        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint (<c>/metrics</c>) when <c>Telemetry:Prometheus</c> is on.</summary>
    public static WebApplication MapHostTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Telemetry:Prometheus"))
        {
            app.MapPrometheusScrapingEndpoint();
        }

        return app;
    }
}
