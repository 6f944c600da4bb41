// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

#pragma warning disable IDE0130 // DI extensions live in Microsoft.Extensions.DependencyInjection (house style §3.4).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Health checks of the OpenIddict plug-in.</summary>
public static class DcrOpenIddictHealthCheckBuilderExtensions
{
    /// <summary>Adds <see cref="DcrSigningCredentialsHealthCheck"/>, tagged <c>ready</c> unless other tags are given.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Its tags.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddDcrSigningCredentialsCheck(
        this IHealthChecksBuilder builder,
        string name = "dcr-signing-credentials",
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<DcrSigningCredentialsHealthCheck>(name, HealthStatus.Unhealthy, tags ?? ["ready"]);
    }
}
