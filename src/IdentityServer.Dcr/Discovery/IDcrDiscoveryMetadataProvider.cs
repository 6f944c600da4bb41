// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Discovery;

/// <summary>
/// Produces the OpenID Connect discovery metadata that describes registration: <c>registration_endpoint</c> and every
/// value the bank restricts, derived from the same options the engine enforces, so a TPP reads in discovery exactly
/// what registration accepts.
/// </summary>
/// <remarks>
/// Authorization server plug-ins (OpenIddict, Duende) merge these values into their own discovery document. The
/// default <see cref="DcrDiscoveryMetadataProvider"/> can be replaced to add bank-specific metadata.
/// </remarks>
public interface IDcrDiscoveryMetadataProvider
{
    /// <summary>Gets the metadata.</summary>
    /// <param name="registrationEndpoint">The absolute URL of the registration endpoint.</param>
    /// <returns>Metadata names and values (strings, booleans or string arrays).</returns>
    IReadOnlyDictionary<string, object> GetMetadata(Uri registrationEndpoint);
}
