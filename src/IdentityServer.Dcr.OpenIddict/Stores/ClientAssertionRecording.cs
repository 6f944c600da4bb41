// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.OpenIddict.Stores;

/// <summary>
/// The outcome of
/// <see cref="OpenIddictClientRegistrationStore.TryRecordClientAssertionAsync(string, string, DateTimeOffset, string, CancellationToken)"/>.
/// </summary>
public enum ClientAssertionRecording
{
    /// <summary>The assertion is recorded: it was not used before and the application is the version that was checked.</summary>
    Recorded,

    /// <summary>The assertion's <c>jti</c> had been used already (a replay); nothing is recorded.</summary>
    Replayed,

    /// <summary>The client's application was written (updated, disabled or deleted) since it was read; nothing is recorded.</summary>
    ApplicationChanged,
}
