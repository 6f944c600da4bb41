// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>
/// One operation on a fresh context, for every EF Core store of the package: a database fault becomes
/// <see cref="DcrStoreUnavailableException"/> (a 503, never a 500), logged once.
/// </summary>
internal static class DcrStoreExecution
{
    public static async Task<T> RunAsync<T>(
        IDbContextFactory<DcrDbContext> contexts,
        ILogger logger,
        string operation,
        Func<DcrDbContext, Task<T>> action,
        CancellationToken ct)
    {
        try
        {
            var context = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                return await action(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (DcrDbExceptionClassifier.IsUnavailable(ex))
        {
            logger.StoreUnavailable(operation, ex);
            throw new DcrStoreUnavailableException($"The DCR registration store is unavailable ({operation}).", ex);
        }
    }
}
