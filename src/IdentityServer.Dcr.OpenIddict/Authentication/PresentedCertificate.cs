// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Certificates;
using Microsoft.AspNetCore;
using OpenIddict.Server;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>The transport certificate of an OpenIddict request: the connection's, or a trusted proxy's forwarded one.</summary>
internal static class PresentedCertificate
{
    /// <summary>Reads it through <paramref name="accessor"/> when the request has an HTTP context, otherwise from the transaction.</summary>
    public static async Task<X509Certificate2?> ReadAsync(
        OpenIddictServerTransaction transaction,
        IClientCertificateAccessor accessor,
        CancellationToken ct)
    {
        var httpContext = transaction.GetHttpRequest()?.HttpContext;
        return httpContext is null
            ? transaction.RemoteCertificate
            : await accessor.GetClientCertificateAsync(httpContext, ct).ConfigureAwait(false);
    }
}
