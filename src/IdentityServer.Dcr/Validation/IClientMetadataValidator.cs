// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// Validates the requested client metadata against the specification and the bank's supported values, and decides
/// what is registered. Sets <see cref="DcrRequestContext.Metadata"/>.
/// </summary>
/// <remarks>
/// Runs once the software statement and the request signature are verified. The default
/// <see cref="ClientMetadataValidator"/> has one <c>protected virtual</c> step per metadata field, run in a fixed order;
/// where the bank substitutes a supported value (<see cref="Configuration.UnsupportedValueHandling.Substitute"/>),
/// the registered value is echoed in the response.
/// </remarks>
public interface IClientMetadataValidator
{
    /// <summary>Validates the metadata of the request in <paramref name="context"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct);
}
