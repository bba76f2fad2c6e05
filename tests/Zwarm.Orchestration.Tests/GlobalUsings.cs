global using Zwarm.TestSupport;
