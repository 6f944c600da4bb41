// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Models;

/// <summary>What a registration (and the audit trail) keeps of a transport certificate: never the certificate itself.</summary>
/// <param name="Thumbprint">The SHA-256 thumbprint of the DER encoding, in upper-case hexadecimal.</param>
/// <param name="Subject">The subject distinguished name, as .NET formats it.</param>
/// <param name="NotAfter">When the certificate expires.</param>
public sealed record TransportCertificateInfo(string Thumbprint, string Subject, DateTimeOffset NotAfter)
{
    /// <summary>The information of <paramref name="certificate"/>, or <see langword="null"/> for none.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>The information.</returns>
    public static TransportCertificateInfo? From(X509Certificate2? certificate)
        => certificate is null
            ? null
            : new(
                certificate.GetCertHashString(HashAlgorithmName.SHA256),
                certificate.Subject,
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
}
