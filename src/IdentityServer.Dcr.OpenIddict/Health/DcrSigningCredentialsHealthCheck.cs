// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace IdentityServer.Dcr.OpenIddict.Health;

/// <summary>
/// Readiness of the token signing credentials of the OpenIddict server: at least one, and for certificates, one valid
/// now. Without it no token, ID token or discovery key set can be served.
/// </summary>
public sealed class DcrSigningCredentialsHealthCheck : IHealthCheck
{
    private readonly IOptionsMonitor<OpenIddictServerOptions> _server;
    private readonly TimeProvider _time;

    /// <summary>Creates the check.</summary>
    /// <param name="server">OpenIddict's server options.</param>
    /// <param name="time">The clock.</param>
    public DcrSigningCredentialsHealthCheck(IOptionsMonitor<OpenIddictServerOptions> server, TimeProvider time)
    {
        _server = server;
        _time = time;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = _time.GetUtcNow().UtcDateTime;
        var credentials = _server.CurrentValue.SigningCredentials;
        var usable = credentials.Count(
            c => c.Key is not X509SecurityKey x509
                || (x509.Certificate.NotBefore.ToUniversalTime() <= now && now < x509.Certificate.NotAfter.ToUniversalTime()));
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["algorithms"] = string.Join(" ", credentials.Select(c => c.Algorithm).Distinct(StringComparer.Ordinal)),
        };
        return Task.FromResult(usable > 0
            ? HealthCheckResult.Healthy($"{usable} usable signing credential(s).", data)
            : new HealthCheckResult(
                context.Registration.FailureStatus,
                credentials.Count == 0 ? "No signing credential is configured." : "Every signing certificate has expired or is not valid yet.",
                data: data));
    }
}
