// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.AspNetCore.Hosting;
#pragma warning restore IDE0130

/// <summary>Kestrel HTTPS settings for OBIE transport certificates (mutual TLS).</summary>
public static class DcrHttpsConnectionAdapterOptionsExtensions
{
    /// <summary>
    /// Asks every TLS connection for a client certificate, accepts any at the TLS layer (the DCR engine and the token
    /// endpoint check it and answer with OAuth JSON errors instead of TLS alerts), and has the TLS layer build the
    /// certificate's chain against the bank's transport roots (<see cref="TransportOptions.TrustedRoots"/>) only,
    /// without certificate downloads or revocation checks.
    /// </summary>
    /// <remarks>
    /// The TLS layer builds a chain for every client certificate even when it accepts any; by default it does so
    /// against the machine's whole root store, which on Linux costs about a tenth of a registration's CPU. The
    /// decision is unchanged by this setting: it is the engine's, with <see cref="TransportOptions.RevocationMode"/>.
    /// Call it from <c>ConfigureHttpsDefaults</c> or an endpoint's <c>UseHttps</c>; the roots are read from the
    /// engine's options on each handshake, so a change of options applies to new connections.
    /// </remarks>
    /// <param name="https">Kestrel's HTTPS options.</param>
    /// <param name="services">The application's services (<c>KestrelServerOptions.ApplicationServices</c>), with <c>AddDcr</c>.</param>
    /// <param name="mode">Whether a certificate is required at the TLS layer; default
    /// <see cref="ClientCertificateMode.AllowCertificate"/>, so that a TPP without one gets an OAuth error.</param>
    /// <returns><paramref name="https"/>.</returns>
    public static HttpsConnectionAdapterOptions UseDcrTransportCertificates(
        this HttpsConnectionAdapterOptions https,
        IServiceProvider services,
        ClientCertificateMode mode = ClientCertificateMode.AllowCertificate)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>();
        var policies = new ChainPolicyCache();
        https.ClientCertificateMode = mode;
        https.AllowAnyClientCertificate();
        var previous = https.OnAuthenticate;
        https.OnAuthenticate = (connection, ssl) =>
        {
            previous?.Invoke(connection, ssl);
            ssl.CertificateChainPolicy ??= policies.For(options.CurrentValue.Transport);
        };
        return https;
    }

    /// <summary>One policy per set of roots, cloned for each handshake (the TLS layer may amend the policy it is given).</summary>
    private sealed class ChainPolicyCache
    {
        private Entry? _current;

        public X509ChainPolicy For(TransportOptions transport)
        {
            var current = _current;
            if (current is null || !ReferenceEquals(current.Roots, transport.TrustedRoots) || current.Count != transport.TrustedRoots.Count)
            {
                // The engine's policy, without revocation checks or downloads: the engine's own check decides.
                var policy = transport.CreateChainPolicy();
                policy.RevocationMode = X509RevocationMode.NoCheck;
                policy.DisableCertificateDownloads = true;

                current = new Entry(transport.TrustedRoots, transport.TrustedRoots.Count, policy);
                _current = current;
            }

            return current.Policy.Clone();
        }

        private sealed record Entry(IList<X509Certificate2> Roots, int Count, X509ChainPolicy Policy);
    }
}
