// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Jwks;

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// Fetching JSON Web Key Sets. A TPP's <c>software_jwks_endpoint</c> is a URL chosen outside the bank, so it is an
/// SSRF surface: only HTTPS, only allowed hosts, no loopback, private or link-local addresses unless configured.
/// Trust anchors' JWKS URLs are the bank's own configuration and are not subject to the host list.
/// </summary>
public sealed class JwksOptions
{
    /// <summary>
    /// Host names TPP JWKS may be fetched from. An entry starting with <c>*.</c> matches any sub-domain.
    /// Default empty: any public host. Production banks typically set the Directory key stores, for example
    /// <c>keystore.openbanking.org.uk</c>.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Networks (CIDR, for example <c>127.0.0.0/8</c> or <c>::1/128</c>; a bare address means that address only) that
    /// TPP JWKS hosts may resolve to besides public unicast addresses. Default empty: public addresses only. A sandbox
    /// on one machine lists the loopback networks and nothing else. The networks no JWKS should ever be fetched from
    /// (<c>0.0.0.0/8</c>, link-local <c>169.254.0.0/16</c> and <c>fe80::/10</c>, multicast, reserved, and the cloud
    /// metadata addresses such as <c>169.254.169.254</c>) stay refused even inside a listed network: each must be
    /// listed by itself (a prefix at least as long as the protected one, for a metadata address its /32 or /128).
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>Replaced by <see cref="AllowedNetworks"/>; setting it to <see langword="true"/> fails start-up with a hint.</summary>
    [Obsolete("Use AllowedNetworks (CIDR), for example 127.0.0.0/8 and ::1/128 for a sandbox on one machine.")]
    public bool AllowNonPublicAddresses { get; set; }

    /// <summary>Whether plain <c>http</c> JWKS URLs are accepted. Default <see langword="false"/>; never in production.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Time-out of one JWKS fetch. Default 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest JWKS document accepted, in bytes. Default 65536.</summary>
    public int MaxResponseSize { get; set; } = 64 * 1024;

    /// <summary>How long a fetched JWKS is used before it is fetched again. Default 15 minutes.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The shortest interval between two fetches of one URL forced by an unknown <c>kid</c> (key rotation).
    /// Default 30 seconds: a stream of made-up <c>kid</c>s cannot turn the bank into a request amplifier.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after it was fetched a cached JWKS may still serve keys while its host cannot be reached (an outage of
    /// the directory's or a TPP's key store). Default 6 hours. Past it, lookups fail with 503 until the host is back, so
    /// a key revoked during a long outage does not stay trusted indefinitely.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many JWKS URLs are cached at most. Default 10000.</summary>
    public int MaxCachedEntries { get; set; } = 10_000;

    /// <summary><see cref="AllowedNetworks"/> parsed; values that do not parse (refused at start-up) are left out.</summary>
    internal IReadOnlyList<IPNetwork> GetAllowedNetworks()
    {
        var networks = new List<IPNetwork>(AllowedNetworks.Count);
        foreach (var value in AllowedNetworks)
        {
            if (NetworkAddressPolicy.TryParseNetworks([value], out var parsed, out _))
            {
                networks.AddRange(parsed);
            }
        }

        return networks;
    }
}
