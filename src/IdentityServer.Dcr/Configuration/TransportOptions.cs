// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Configuration;

/// <summary>Mutual TLS: the TPP's transport certificate and its binding to the software statement.</summary>
public sealed class TransportOptions
{
    /// <summary>
    /// Whether a transport certificate is required to register. Default <see langword="true"/>; only turn it off in
    /// a test environment.
    /// </summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>
    /// The root (and intermediate) CA certificates the transport certificate must chain to, for example the Open
    /// Banking issuing CAs. Default empty: required when <see cref="RequireClientCertificate"/> is on.
    /// </summary>
    public IList<X509Certificate2> TrustedRoots { get; } = [];

    /// <summary>
    /// Paths of PEM or DER files holding CA certificates to add to <see cref="TrustedRoots"/> (convenient from
    /// configuration). Default empty.
    /// </summary>
    public IList<string> TrustedRootFiles { get; } = [];

    /// <summary>
    /// Revocation checking of the transport certificate chain (CRL distribution points and OCSP responders named by
    /// the certificates). Default <see cref="X509RevocationMode.Online"/>: a revoked TPP certificate is refused at
    /// registration, at the token endpoint and at management. Only certificates that already chain to
    /// <see cref="TrustedRoots"/> are checked, so a stranger's certificate never makes the bank fetch a URL it names.
    /// <see cref="X509RevocationMode.NoCheck"/> turns checking off (tests, or a bank that checks at its TLS proxy).
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.Online;

    /// <summary>
    /// Which certificates of the chain are checked for revocation. Default <see cref="X509RevocationFlag.ExcludeRoot"/>
    /// (the leaf and the issuing CAs).
    /// </summary>
    public X509RevocationFlag RevocationFlag { get; set; } = X509RevocationFlag.ExcludeRoot;

    /// <summary>
    /// What to do when the revocation status cannot be determined: the certificate names no CRL or OCSP location, or
    /// they cannot be reached in <see cref="RevocationTimeout"/>. Default <see cref="RevocationUnknownHandling.Refuse"/>:
    /// a certificate without revocation information is refused (400), and an unreachable CRL or OCSP host is an
    /// infrastructure fault (503 with <c>Retry-After</c> at registration and management; <c>invalid_client</c>,
    /// "try again later", at the token endpoint). <see cref="RevocationUnknownHandling.AcceptAndLog"/> accepts the
    /// certificate and logs a warning (event 1306).
    /// </summary>
    public RevocationUnknownHandling RevocationStatusUnknown { get; set; } = RevocationUnknownHandling.Refuse;

    /// <summary>The longest a CRL or OCSP fetch may take. Default 5 seconds.</summary>
    public TimeSpan RevocationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a certificate's revocation verdict (good, revoked, or accepted while unknown) is reused before it is
    /// checked again. Default 5 minutes; zero checks on every request. A revocation takes effect within this time
    /// plus the CA's CRL publication interval (.NET also keeps each downloaded CRL until its <c>nextUpdate</c>).
    /// </summary>
    public TimeSpan RevocationCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the certificate must belong to the TPP of the SSA: its subject names the SSA's <c>org_id</c>
    /// (as <c>OU</c> or <c>CN</c>), its <c>software_id</c> (as <c>CN</c>), or its competent-authority registration
    /// (as <c>organizationIdentifier</c>). Default <see langword="true"/>.
    /// </summary>
    public bool RequireCertificateBoundToSoftwareStatement { get; set; } = true;

    /// <summary>
    /// The name of a request header carrying the client certificate (URL-encoded PEM, or base64 DER) set by a
    /// TLS-terminating proxy. Default <see langword="null"/>: only the certificate of the TLS connection is used.
    /// The header is only read from <see cref="TrustedProxies"/>.
    /// </summary>
    public string? ForwardedCertificateHeader { get; set; }

    /// <summary>
    /// The IP addresses (for example <c>10.0.0.5</c> or <c>::1</c>) of proxies allowed to set
    /// <see cref="ForwardedCertificateHeader"/>. Default empty. Each must parse as an IP address.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>
    /// Whether a transport certificate must carry the TLS client authentication extended key usage
    /// (<c>id-kp-clientAuth</c>, 1.3.6.1.5.5.7.3.2), and every CA of its chain must allow it. Default
    /// <see langword="true"/>: a TLS server certificate or an OB signing certificate from a trusted issuing CA is not a
    /// transport certificate. A certificate without the extension is refused too.
    /// </summary>
    public bool RequireClientAuthenticationUsage { get; set; } = true;

    /// <summary>The object identifier of the TLS client authentication extended key usage.</summary>
    internal const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// A chain policy that trusts <see cref="TrustedRoots"/> only (the machine's store is not consulted): the
    /// self-issued certificates as trust anchors, the others as intermediates, with <see cref="RevocationMode"/>,
    /// <see cref="RevocationFlag"/> and <see cref="RevocationTimeout"/>, and
    /// the client authentication usage when <see cref="RequireClientAuthenticationUsage"/> is on. The engine validates
    /// transport certificates with it; a host gives it to Kestrel's handshake so both agree.
    /// </summary>
    /// <returns>A new policy.</returns>
    public X509ChainPolicy CreateChainPolicy()
    {
        // No certificate downloads (AIA): the chain is built from TrustedRoots only, and a presented certificate never
        // makes the bank fetch a URL it names for its issuers.
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = RevocationMode,
            RevocationFlag = RevocationFlag,
            UrlRetrievalTimeout = RevocationTimeout,
            DisableCertificateDownloads = true,
        };
        if (RequireClientAuthenticationUsage)
        {
            policy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        }

        foreach (var ca in TrustedRoots)
        {
            (ca.SubjectName.RawData.AsSpan().SequenceEqual(ca.IssuerName.RawData) ? policy.CustomTrustStore : policy.ExtraStore).Add(ca);
        }

        return policy;
    }
}
