/**
 * Side effect: register tfjs-core's gradient functions. The Node build of tfjs-core 4.22 does not;
 * the Node build of tfjs-layers carries a copy and registers it when loaded. Every module of rxtrain
 * that differentiates imports this file, so a custom loss of plain variables trains too.
 */
import '@tensorflow/tfjs-layers';
