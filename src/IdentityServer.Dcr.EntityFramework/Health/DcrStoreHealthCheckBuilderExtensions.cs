// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

#pragma warning disable IDE0130 // DI extensions live in Microsoft.Extensions.DependencyInjection (house style §3.4).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Health checks of the EF Core DCR store.</summary>
public static class DcrStoreHealthCheckBuilderExtensions
{
    /// <summary>The default tag of readiness checks: map <c>/health/ready</c> to the checks that carry it.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds <see cref="DcrStoreHealthCheck"/>: the store's database is reachable and migrated. Tagged
    /// <see cref="ReadyTag"/> unless other tags are given.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Its tags.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddDcrStoreCheck(
        this IHealthChecksBuilder builder,
        string name = "dcr-store",
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<DcrStoreHealthCheck>(name, HealthStatus.Unhealthy, tags ?? [ReadyTag], TimeSpan.FromSeconds(10));
    }
}
