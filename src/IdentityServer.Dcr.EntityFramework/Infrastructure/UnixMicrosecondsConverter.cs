// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>Stores a <see cref="DateTimeOffset"/> as microseconds since the Unix epoch (UTC), for SQLite.</summary>
internal sealed class UnixMicrosecondsConverter : ValueConverter<DateTimeOffset, long>
{
    public UnixMicrosecondsConverter()
        : base(
            v => (v.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond,
            v => new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (v * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero))
    {
    }
}
