// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Certificates;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// A <c>client_credentials</c> request that presents no client authentication at all (no secret, no assertion, no
/// transport certificate) is <c>invalid_client</c>, as RFC 6749 §5.2 says ("no client authentication included"), not
/// OpenIddict's <c>invalid_request</c>: a <c>tls_client_auth</c> client that connects without its certificate is told
/// that its authentication failed.
/// </summary>
public sealed class RequireClientCredentialsAuthentication : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    private readonly IClientCertificateAccessor _certificates;

    /// <summary>Creates the handler.</summary>
    /// <param name="certificates">Reads the transport certificate (connection or trusted proxy header).</param>
    public RequireClientCredentialsAuthentication(IClientCertificateAccessor certificates) => _certificates = certificates;

    /// <summary>The descriptor: just before OpenIddict's own client credentials parameter check.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<RequireClientCredentialsAuthentication>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateClientCredentialsParameters.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.IsClientCredentialsGrantType()
            || !string.IsNullOrEmpty(context.ClientSecret)
            || !string.IsNullOrEmpty(context.Request.ClientAssertion))
        {
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        if (await PresentedCertificate.ReadAsync(context.Transaction, _certificates, ct).ConfigureAwait(false) is null)
        {
            context.Reject(Errors.InvalidClient, DcrErrorDescriptions.ClientAuthenticationRequired);
        }
    }
}
