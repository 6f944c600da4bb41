// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>
/// One write of <see cref="EntityFrameworkClientRegistrationStore"/>, handed to
/// <see cref="EntityFrameworkClientRegistrationStore.OnWritingAsync"/> while its transaction is still open.
/// </summary>
public sealed class RegistrationWrite
{
    /// <summary>Creates the write.</summary>
    /// <param name="kind">What the write does.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="registration">The registration as written; <see langword="null"/> for <see cref="RegistrationWriteKind.Delete"/>.</param>
    public RegistrationWrite(RegistrationWriteKind kind, string clientId, ClientRegistration? registration)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (kind != RegistrationWriteKind.Delete)
        {
            ArgumentNullException.ThrowIfNull(registration);
        }

        Kind = kind;
        ClientId = clientId;
        Registration = registration;
    }

    /// <summary>What the write does.</summary>
    public RegistrationWriteKind Kind { get; }

    /// <summary>The client identifier.</summary>
    public string ClientId { get; }

    /// <summary>The registration as written; <see langword="null"/> for <see cref="RegistrationWriteKind.Delete"/>.</summary>
    public ClientRegistration? Registration { get; }
}
