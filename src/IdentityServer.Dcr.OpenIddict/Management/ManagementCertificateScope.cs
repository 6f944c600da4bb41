// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.OpenIddict.Management;

/// <summary>
/// The transport certificate of the management request being validated, for the duration of
/// <see cref="OpenIddictRegistrationAccessTokenValidator"/>'s call into OpenIddict's validation service, which runs
/// without an HTTP transaction (so without a certificate) and would otherwise refuse every certificate-bound token.
/// </summary>
internal static class ManagementCertificateScope
{
    private static readonly AsyncLocal<X509Certificate2?> Ambient = new();

    public static X509Certificate2? Current => Ambient.Value;

    /// <summary>Makes <paramref name="certificate"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(X509Certificate2? certificate)
    {
        var previous = Ambient.Value;
        Ambient.Value = certificate;
        return new Restore(previous);
    }

    private sealed class Restore(X509Certificate2? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
