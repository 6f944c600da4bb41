// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.TrustAnchors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Health;

/// <summary>
/// Readiness of the trust anchors: every configured anchor has usable keys, loaded or fresh enough. Anchors with an
/// inline JWKS always do; an anchor fetched from a JWKS URL does while the resolver has a copy it may use (fresh, or
/// stale within <c>Dcr:Jwks:MaxStaleness</c> during the directory's outage). The resolver's cache makes repeated probes
/// cheap: a probe fetches only when the cached copy has expired.
/// </summary>
public sealed class DcrTrustAnchorsHealthCheck : IHealthCheck
{
    private readonly ITrustAnchorKeyResolver _anchors;
    private readonly IOptionsMonitor<DcrOptions> _options;

    /// <summary>Creates the check.</summary>
    /// <param name="anchors">The trust anchors' key resolver.</param>
    /// <param name="options">The engine options (the configured anchors).</param>
    public DcrTrustAnchorsHealthCheck(ITrustAnchorKeyResolver anchors, IOptionsMonitor<DcrOptions> options)
    {
        _anchors = anchors;
        _options = options;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var anchors = _options.CurrentValue.SoftwareStatement.TrustAnchors;
        if (anchors.Count == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No trust anchor is configured: no software statement can be verified.");
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var anchor in anchors)
        {
            string state;
            try
            {
                // No kid: any key shows the key set is loaded (several keys make the lookup ambiguous, not a failure).
                var lookup = await _anchors.FindKeyAsync(anchor.Issuer, null, cancellationToken).ConfigureAwait(false);
                state = lookup.Status is JwksLookupStatus.Found or JwksLookupStatus.KeyNotFound ? "keys loaded" : $"unusable: {lookup.Reason}";
            }
            catch (DcrInfrastructureException exception)
            {
                state = $"unavailable: {exception.Message}";
            }

            data[anchor.Issuer] = state;
            if (state != "keys loaded")
            {
                failures.Add(anchor.Issuer);
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{anchors.Count} trust anchor(s) with keys.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"No usable keys for {string.Join(", ", failures)}.", data: data);
    }
}
