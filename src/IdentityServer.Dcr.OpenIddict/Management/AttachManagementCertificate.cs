// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Validation;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace IdentityServer.Dcr.OpenIddict.Management;

/// <summary>
/// Gives OpenIddict's proof-of-possession check (<c>cnf</c> <c>x5t#S256</c>) the management request's transport
/// certificate when a token is validated through <see cref="OpenIddictValidationService"/> by
/// <see cref="OpenIddictRegistrationAccessTokenValidator"/>. Transactions that already carry a certificate (the
/// ASP.NET Core host's) and validations outside that call are left alone.
/// </summary>
internal sealed class AttachManagementCertificate : IOpenIddictValidationHandler<ValidateTokenContext>
{
    /// <summary>The descriptor: before OpenIddict's proof-of-possession check.</summary>
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; }
        = OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AttachManagementCertificate>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateProofOfPossession.Descriptor.Order - 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Transaction.RemoteCertificate is null && ManagementCertificateScope.Current is { } certificate)
        {
            context.Transaction.RemoteCertificate = certificate;
        }

        return ValueTask.CompletedTask;
    }
}
